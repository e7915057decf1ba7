import sys
from recsys_nb.cli import main
sys.exit(main())

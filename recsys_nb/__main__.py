import sys
from recsys_nb.runner import main
sys.exit(main())

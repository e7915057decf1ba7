"""The local engine runs the rank stage's candidate blocks side by side (`CandidateWorker.parallel_blocks`, a thread
per core): is it faster, and are the candidates the same? One finished run's candidates of a split, built with
`run.threads = 1` (one block at a time) and with the run's own setting (0: a thread per core), in one process.

    python benchmarks/parallel_blocks.py --run outputs/scientific --split valid
"""
import argparse
import copy
import os
import time
from recsys_nb.core import run_settings
from recsys_nb.rank import split_candidates

parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
parser.add_argument('--run', required=True, help='a run folder with a finished pca stage')
parser.add_argument('--split', default='valid', choices=['valid', 'test'])
args = parser.parse_args()
cfg = run_settings(args.run)
if cfg['run']['threads'] == 1: parser.error(f"{args.run} sets run.threads = 1: nothing to compare")
seconds, tables = {}, {}
for threads in (1, cfg['run']['threads']):
    settings = copy.deepcopy(cfg)
    settings['run']['threads'] = threads
    started = time.perf_counter()
    tables[threads] = split_candidates(args.run, args.split, settings, progress=False)[0]
    seconds[threads] = time.perf_counter() - started
one, many = seconds[1], seconds[cfg['run']['threads']]
print(f"{args.run}, {args.split}: {len(tables[1]):,} candidates; one block at a time {one:.1f} s, "
      f"run.threads = {cfg['run']['threads']} ({os.cpu_count()} cores) {many:.1f} s: {one / many:.2f}x; "
      f"the same table: {tables[1].equals(tables[cfg['run']['threads']])}")

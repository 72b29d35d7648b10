import os
import sys

from grid.cli import main

try:
    code = main()
    sys.stdout.flush()
except BrokenPipeError:  # e.g. `python -m grid catalog show --json | head`
    os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    code = 0
except KeyboardInterrupt:
    code = 130
sys.exit(code)

"""``python -m gan_helpers.instructor make-student SRC DST`` / ``… list SRC``."""
import sys

from .assignments import main

if __name__ == "__main__":
    sys.exit(main())

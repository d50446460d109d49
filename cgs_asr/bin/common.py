"""What every command-line program shares: logging and one-line errors for bad input."""
from __future__ import annotations

import functools
import logging
import sys

from cgs_asr.data.synth.tts import TtsError

# Bad input (every project error derives from ValueError: DataDirError,
# FeatureError, FeatureConfigError, OovError, ...), unreadable files and
# missing tools are reported in one line, without a traceback.
USER_ERRORS = (ValueError, OSError, TtsError)


def program(main):
    """Wrap ``main(argv)``: set up logging, turn user errors into a message and exit status 1."""
    @functools.wraps(main)
    def wrapper(argv=None):
        logging.basicConfig(level=logging.INFO, format="%(name)s: %(levelname)s: %(message)s")
        name = main.__module__.rsplit(".", 1)[-1]
        try:
            main(sys.argv[1:] if argv is None else argv)
        except USER_ERRORS as e:
            print(f"{name}: error: {e}", file=sys.stderr)
            sys.exit(1)
    return wrapper

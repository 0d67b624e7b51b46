"""``python -m xladdin.cli`` runs ``pe-eval``."""
import sys

from . import main

sys.exit(main())

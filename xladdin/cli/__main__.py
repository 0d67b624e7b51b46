"""``python -m xladdin.cli`` runs ``pe-eval``."""
import sys

from .commands import main

sys.exit(main())

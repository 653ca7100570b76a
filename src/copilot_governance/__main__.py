"""`python -m copilot_governance ...`"""

import sys

from copilot_governance.cli import main

sys.exit(main())

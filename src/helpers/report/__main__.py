import sys

from helpers.report.page import main

sys.exit(main())

import sys

from helpers.files import exit_on_sigterm
from helpers.report.page import main

exit_on_sigterm()
sys.exit(main())

from helpers.files import exit_on_sigterm, exit_with
from helpers.report.page import main

exit_on_sigterm()
exit_with(main())

import sys

from grnet.cli import main

sys.exit(main())

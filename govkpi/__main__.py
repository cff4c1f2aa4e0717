"""`python -m govkpi` runs the command line."""
from govkpi.cli import main

main()

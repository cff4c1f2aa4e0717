"""`python -m govkpi` runs the command line."""
from govkpi.launch import main

main()

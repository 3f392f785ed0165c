"""Solutions to the course exercises, kept out of the notebooks (try the exercise first)."""

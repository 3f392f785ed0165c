"""Solution to notebook 14's exercise: a claim's verdict from the intervals of its differences."""


def claim_verdict(intervals):
    """1 holds (every difference above 0), -1 does not hold (a competitor better), 0 inconclusive."""
    if all(low > 0 for low, _ in intervals):
        return 1
    if any(high < 0 for _, high in intervals):
        return -1
    return 0

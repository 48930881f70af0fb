"""What compliance auditors use: a complaint's Temporal history decoded into a timeline,
replayed against the current workflow code, checked against the store's hash-chained trail,
archived past Temporal's retention, and rendered as a printable report."""

"""The figures: pure functions over post-mortems (durations, medians, recurrence, availability, error budgets, similar incidents) and their units."""

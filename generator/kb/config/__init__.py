"""`postmortem.yml`: its model (`schema`) and the loader beside it (`loader`), which collects every
problem with its line."""

"""What leaves the site: statistics, exports, the customer and board reports, the weekly review, the list, and the charts and documents they are made of."""

"""The notebooks run for a year, and the site built from them."""

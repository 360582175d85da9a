"""Many files at once: batches over processes or Dask, the dataset across years, synthetic volumes."""

"""What printed words and values mean: the vocabulary, 指标值 values, amounts, placeholders."""

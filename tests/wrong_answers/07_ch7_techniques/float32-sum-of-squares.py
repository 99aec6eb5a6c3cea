# replaces: ex1_channel_stats
# fails: ex1_test_precision
# Running sums of x and x**2 in float32: the variance is the difference of two huge, nearly equal numbers, and loses its digits when pixels are large and their spread small.
def channel_stats(batches):
    n, s, ss = 0, 0., 0.
    for x in batches:
        v = x.transpose(0, 1).reshape(x.shape[1], -1)
        n += v.shape[1]
        s = s + v.sum(1)
        ss = ss + (v**2).sum(1)
    mean = s / n
    return mean, ((ss - n*mean**2) / (n - 1)).clamp(min=0).sqrt()

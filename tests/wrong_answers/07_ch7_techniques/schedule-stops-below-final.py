# replaces: ex2_resize_schedule
# fails: ex2_test_sizes
# Doubles while the size is at most `final` and never adds `final` itself: right when final is start times a power of 2, otherwise the last stage is smaller than the final size.
def resize_schedule(start, final, epochs, bs):
    sizes, s = [], start
    while s <= final:
        sizes.append(s)
        s *= 2
    return [Stage(bs * final**2 // s**2, s, epochs) for s in sizes]

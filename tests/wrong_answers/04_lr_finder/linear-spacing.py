# replaces: ex1_lr_schedule
# fails: ex1_test_log_spacing
# Linear spacing (np.linspace) instead of geometric: the same amount is added at each step.
def lr_schedule(start_lr, end_lr, num_it):
    return list(np.linspace(start_lr, end_lr, num_it))

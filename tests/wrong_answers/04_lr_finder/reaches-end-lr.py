# replaces: ex1_lr_schedule
# fails: ex1_test_endpoints
# Off by one: the exponent i/(num_it-1) makes the last batch run at end_lr, which fastai's finder never does.
def lr_schedule(start_lr, end_lr, num_it):
    return [start_lr * (end_lr/start_lr)**(i/(num_it-1)) for i in range(num_it)]

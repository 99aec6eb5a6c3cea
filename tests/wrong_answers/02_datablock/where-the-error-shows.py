# replaces: ex5_to_fix
# fails: ex5_test_a, ex5_test_b, ex5_test_c
# Names the step where the error shows up (the labeller for a, the items for b and c) instead of the one to change.
to_fix = {'a': 'get_y', 'b': 'get_items', 'c': 'get_items'}

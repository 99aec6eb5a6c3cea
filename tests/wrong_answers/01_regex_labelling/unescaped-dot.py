# replaces: ex1_pattern
# fails: ex1_test_rejects
# The book's pattern, made case-insensitive: its `.` before the extension matches any character.
pattern = r'^(.+)_\d+.(?i:jpe?g)$'

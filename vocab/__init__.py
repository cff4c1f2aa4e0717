"""The shared vocabulary: periods and eras, levels, Vietnamese formats, sentences, strings.
Imports nothing else of the project."""

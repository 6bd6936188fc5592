from .corpus.cli import main

main()

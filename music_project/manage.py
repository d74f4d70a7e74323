#!/usr/bin/env python

from musica_kit.manage import main

if __name__ == "__main__":
    main(start_commands={"runserver"})

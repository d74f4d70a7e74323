"""Fifty famous songs (half Spanish) with the artist people know, written apart from the catalog."""

FAMOUS_SONGS = [
    ("Imagine", "John Lennon"), ("Bohemian Rhapsody", "Queen"), ("Hotel California", "Eagles"),
    ("Billie Jean", "Michael Jackson"), ("Hey Jude", "The Beatles"), ("Like a Rolling Stone", "Bob Dylan"),
    ("Smells Like Teen Spirit", "Nirvana"), ("Stairway to Heaven", "Led Zeppelin"),
    ("What a Wonderful World", "Louis Armstrong"), ("Respect", "Aretha Franklin"),
    ("My Way", "Frank Sinatra"), ("Purple Rain", "Prince"), ("Like a Virgin", "Madonna"),
    ("Wonderwall", "Oasis"), ("Yellow", "Coldplay"), ("Rolling in the Deep", "Adele"),
    ("Shape of You", "Ed Sheeran"), ("Blinding Lights", "The Weeknd"), ("Lose Yourself", "Eminem"),
    ("No Woman, No Cry", "Bob Marley & the Wailers"), ("Jolene", "Dolly Parton"),
    ("Take Five", "The Dave Brubeck Quartet"), ("Heartbreak Hotel", "Elvis Presley"),
    ("Dancing Queen", "ABBA"), ("I Will Survive", "Gloria Gaynor"),
    # Spanish-language
    ("Bésame mucho", "Andrea Bocelli"), ("La Bamba", "Ritchie Valens"), ("Despacito", "Luis Fonsi"),
    ("Gracias a la vida", "Violeta Parra"), ("Guantanamera", "The Sandpipers"),
    ("Quizás, quizás, quizás", "Nat King Cole"), ("El triste", "José José"),
    ("De música ligera", "Soda Stereo"), ("Rayando el sol", "Maná"), ("Corazón partío", "Alejandro Sanz"),
    ("La camisa negra", "Juanes"), ("Ojalá que llueva café", "Juan Luis Guerra 4.40"),
    ("La vida es un carnaval", "Celia Cruz"), ("Pedro Navaja", "Willie Colón & Rubén Blades"),
    ("El cantante", "Héctor Lavoe"), ("Mediterráneo", "Joan Manuel Serrat"),
    ("Entre dos tierras", "Héroes del Silencio"), ("Hijo de la Luna", "Mecano"),
    ("Macarena", "Los del Río"), ("Tití me preguntó", "Bad Bunny"), ("Malamente", "Rosalía"),
    ("Alfonsina y el mar", "Mercedes Sosa"), ("El amor después del amor", "Fito Páez"),
    ("Cucurrucucú paloma", "Caetano Veloso"), ("Chan Chan", "Buena Vista Social Club"),
]  # fmt: skip

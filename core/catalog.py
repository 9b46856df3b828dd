"""The datasets the app offers and their class names, without importing torch: the first page a
visitor sees lists them before torch has finished loading (ui/preload.py)."""

DATASETS = ("mnist", "fashion-mnist", "digits")
DIGIT_CLASSES = tuple(str(d) for d in range(10))
FASHION_CLASSES = (
    "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
    "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
)

/** Fashion-MNIST class names (label → name) and the protocol's seen / unseen split of classes. */
export const CLASS_NAMES = [
  'T-shirt/top',
  'Trouser',
  'Pullover',
  'Dress',
  'Coat',
  'Sandal',
  'Shirt',
  'Sneaker',
  'Bag',
  'Ankle boot',
] as const;

/** Classes no few-shot generator is trained on: 2 Pullover, 6 Shirt, 7 Sneaker. */
export const UNSEEN_CLASSES: readonly number[] = Object.freeze([2, 6, 7]);

/** The other seven classes: 0, 1, 3, 4, 5, 8, 9. */
export const SEEN_CLASSES: readonly number[] = Object.freeze([0, 1, 3, 4, 5, 8, 9]);

/** Number of classes. */
export const NUM_CLASSES = 10;

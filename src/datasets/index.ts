// torch-ts datasets (torchvision's MNIST family, and the embedded digits)
export { MNIST, FashionMNIST, fashionMnistAvailable, type MNISTOptions } from "./mnist.js";
export { Digits, type DigitsOptions } from "./digits.js";
export { parseIdx, readIdx } from "./idx.js";

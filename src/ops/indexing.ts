// (to be written)
export {};

// The nn module classes.
export * from "./container.js";
export * from "./linear.js";

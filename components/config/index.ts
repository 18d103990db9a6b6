export * from "./schema";
export * from "./common";
export * from "./images";

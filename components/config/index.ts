export * from "./schema";
export * from "./common";

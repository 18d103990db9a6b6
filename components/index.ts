/** The component package: typed config, Kubernetes components, the EKS cluster, the Compose compiler. */
export * as config from "./config";
export * as kube from "./kube";
export * as aws from "./aws";
export * as compose from "./compose";

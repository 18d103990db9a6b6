/**
 * The cluster's API-server scope (issue 21): where pods reach the API server, the one range every
 * API-server egress rule (manager-agent, the terminal, the inquisitor members) is scoped to.
 */
import { strict as assert } from "assert";
import { PRIVATE_NETWORKS, apiServerScope, existingClusterSchema } from "../../../components/config/cluster";
import { eksClusterSchema } from "../../../components/config/eks-section";
import { KUBE_API_PORTS, kubeApiCidrs, kubeApiRule } from "../../../stacks/systems/types";

const existing = (extra: Record<string, unknown> = {}) => existingClusterSchema.parse({ provider: "existing", ...extra });
const eks = (vpc?: Record<string, unknown>) =>
    eksClusterSchema.parse({
        provider: "eks",
        region: "us-east-1",
        ...(vpc ? { vpc } : {}),
        nodeGroups: { general: { instanceTypes: ["m6i.large"], minSize: 3, maxSize: 6 } },
    });

describe("config/cluster: the API-server scope", () => {
    it("GIVEN an existing cluster with apiServerCidrs THEN the scope is exactly those", () => {
        assert.deepEqual(apiServerScope(existing({ apiServerCidrs: ["10.250.0.1/32"] })), ["10.250.0.1/32"]);
    });

    it("GIVEN an existing cluster that does not say THEN the scope stays all of RFC 1918", () => {
        assert.deepEqual(apiServerScope(existing()), ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"]);
    });

    it("GIVEN EKS THEN the scope is the VPC CIDR: the created VPC's, its default, or an existing VPC's declared one", () => {
        assert.deepEqual(apiServerScope(eks({ create: { cidr: "10.40.0.0/16" } })), ["10.40.0.0/16"]);
        assert.deepEqual(apiServerScope(eks()), ["10.0.0.0/16"]);
        assert.deepEqual(apiServerScope(eks({ existing: { vpcId: "vpc-1", privateSubnetIds: ["a", "b"], cidr: "172.31.0.0/16" } })), ["172.31.0.0/16"]);
        // An existing VPC without `cidr`: only AWS knows it at deploy time, so the render falls back to RFC 1918.
        assert.deepEqual(apiServerScope(eks({ existing: { vpcId: "vpc-1", privateSubnetIds: ["a", "b"] } })), [...PRIVATE_NETWORKS]);
    });

    it("GIVEN a system's own kubeApiCidrs THEN they win over the cluster's scope", () => {
        const cluster = eks({ create: { cidr: "10.40.0.0/16" } });
        assert.deepEqual(kubeApiCidrs(["10.40.3.0/24"], { cluster }), ["10.40.3.0/24"]);
        assert.deepEqual(kubeApiCidrs(undefined, { cluster }), ["10.40.0.0/16"]);
    });

    it("GIVEN a system's kubeApiCidrs THEN its API-server rule allows each of them on the API server's ports", () => {
        const cluster = eks({ create: { cidr: "10.40.0.0/16" } });
        assert.deepEqual(kubeApiRule(["10.40.3.0/24", "10.40.4.0/24"], { cluster }), {
            peers: [{ cidr: "10.40.3.0/24" }, { cidr: "10.40.4.0/24" }],
            ports: KUBE_API_PORTS,
        });
        assert.deepEqual(kubeApiRule(undefined, { cluster }).peers, [{ cidr: "10.40.0.0/16" }]);
    });
});

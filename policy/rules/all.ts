/** Every rule of the pack, by area. The order is the order Pulumi reports them in. */
import { PlatformRule } from "../lib/rule";
import { availabilityRules } from "./availability";
import { eksRules } from "./eks";
import { healthRules } from "./health";
import { hygieneRules } from "./hygiene";
import { imageRules } from "./images";
import { networkRules } from "./network";
import { observabilityRules } from "./observability";
import { podSecurityRules } from "./pod-security";
import { processRules } from "./process";
import { rbacRules } from "./rbac";
import { resourceRules } from "./resources";
import { secretRules } from "./secrets";
import { storageRules } from "./storage";

export const allRules: PlatformRule[] = [
    ...podSecurityRules,
    ...secretRules,
    ...resourceRules,
    ...healthRules,
    ...availabilityRules,
    ...storageRules,
    ...imageRules,
    ...networkRules,
    ...rbacRules,
    ...hygieneRules,
    ...observabilityRules,
    ...eksRules,
    ...processRules,
];

const names = allRules.map((r) => r.policy.name);
const dup = names.find((n, i) => names.indexOf(n) !== i);
if (dup) throw new Error(`policy name ${dup} is defined twice`);

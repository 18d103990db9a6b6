// Added to kube-network-policies v0.8.0 by tools/e2e/nodes.sh (with two one-line substitutions
// in controller.go and dnsagent.go that call it): the nfqueue verdict as the xtables NFQUEUE
// target through nft_compat instead of nftables' own queue expression. Same queue, same bypass
// flag; it is needed on kernels built without nft_queue (the machines this project runs its
// e2e tier on have nfnetlink_queue and nft_compat, not nft_queue).

package networkpolicy

import (
	"github.com/google/nftables/expr"
	"github.com/google/nftables/xt"
)

// nfqueueVerdict is `queue num N [bypass]` as struct xt_NFQ_info_v3 {queuenum, queues_total,
// flags} (host byte order, padded to 8 bytes).
func nfqueueVerdict(num uint16, bypass bool) expr.Any {
	var flags byte
	if bypass {
		flags = 1 // NFQ_FLAG_BYPASS
	}
	info := xt.Unknown([]byte{byte(num), byte(num >> 8), 1, 0, flags, 0, 0, 0})
	return &expr.Target{Name: "NFQUEUE", Rev: 3, Info: &info}
}

// Command kube-network-policies runs the NetworkPolicy controller of
// sigs.k8s.io/kube-network-policies on one node of the gvisor-iac test
// cluster. The upstream command only knows the in-cluster configuration (a
// service-account token under /var/run/secrets); the test node runs the
// enforcer as a host process, so this main takes a kubeconfig file instead.
// Pod IPs come from the API server (NRI off): the test node's containerd does
// not run an NRI socket for it.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/clientcmd"
	"k8s.io/klog/v2"
	"sigs.k8s.io/kube-network-policies/pkg/networkpolicy"
)

func main() {
	kubeconfig := flag.String("kubeconfig", "", "kubeconfig file of the cluster (required)")
	nodeName := flag.String("node-name", "", "name of this node (required)")
	queueID := flag.Int("nfqueue-id", 100, "netfilter queue the packets to be checked are sent to")
	failOpen := flag.Bool("fail-open", false, "let packets pass while the controller is not running")
	klog.InitFlags(nil)
	flag.Parse()
	if *kubeconfig == "" || *nodeName == "" {
		fmt.Fprintln(os.Stderr, "kube-network-policies: --kubeconfig and --node-name are required")
		os.Exit(2)
	}
	if err := run(*kubeconfig, *nodeName, *queueID, *failOpen); err != nil {
		fmt.Fprintf(os.Stderr, "kube-network-policies: %v\n", err)
		os.Exit(1)
	}
}

func run(kubeconfig, nodeName string, queueID int, failOpen bool) error {
	ctx, cancel := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer cancel()

	config, err := clientcmd.BuildConfigFromFlags("", kubeconfig)
	if err != nil {
		return fmt.Errorf("reading %s: %w", kubeconfig, err)
	}
	client, err := kubernetes.NewForConfig(config)
	if err != nil {
		return err
	}
	factory := informers.NewSharedInformerFactory(client, 0)
	controller, err := networkpolicy.NewController(
		client,
		factory.Networking().V1().NetworkPolicies(),
		factory.Core().V1().Namespaces(),
		factory.Core().V1().Pods(),
		nil, nil, nil, nil,
		networkpolicy.Config{
			FailOpen:            failOpen,
			QueueID:             queueID,
			NodeName:            nodeName,
			NetfilterBug1766Fix: true,
			NRIdisabled:         true,
		},
	)
	if err != nil {
		return fmt.Errorf("starting the controller: %w", err)
	}
	errs := make(chan error, 1)
	go func() { errs <- controller.Run(ctx) }()
	factory.Start(ctx.Done())
	select {
	case <-ctx.Done():
		// Run removes its nftables table when the context ends.
		return <-errs
	case err := <-errs:
		return err
	}
}

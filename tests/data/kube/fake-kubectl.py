# A fake kubectl for tst_clustercontext: answers the kubeconfig questions ClusterContext asks
# from three built-in contexts. FAKE_CURRENT picks the current one ("" means none is set) and
# every call is appended to FAKE_LOG; FAKE_EMPTY makes the kubeconfig have no contexts.
import os, sys
args = sys.argv[1:]
with open(os.environ["FAKE_LOG"], "a") as f:
    f.write(" ".join(args) + "\n")
ctx = {"kind-dev": ("workshop", "https://127.0.0.1:6443"),
       "prod-eks": ("", "https://ABCD.gr7.eu-west-1.eks.amazonaws.com"),
       "minikube": ("default", "https://192.168.49.2:8443")}
if os.environ.get("FAKE_EMPTY"):
    ctx = {}
def flag(name):
    return args[args.index(name) + 1] if name in args else None
if args[:2] == ["config", "get-contexts"]:
    print("\n".join(ctx))
elif args[:2] == ["config", "current-context"]:
    cur = os.environ.get("FAKE_CURRENT", "")
    if not cur:
        print("error: current-context is not set", file=sys.stderr)
        sys.exit(1)
    print(cur)
elif args[:2] == ["config", "view"]:
    c = flag("--context") or os.environ.get("FAKE_CURRENT", "")
    if c not in ctx:
        print('error: context "%s" does not exist' % c, file=sys.stderr)
        sys.exit(1)
    want = [a for a in args if a.startswith("jsonpath=")][0]
    sys.stdout.write(ctx[c][0] if "namespace" in want else ctx[c][1])
else:
    print("error: unexpected " + " ".join(args), file=sys.stderr)
    sys.exit(1)

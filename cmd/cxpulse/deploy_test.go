package main

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/spf13/cobra"
	"github.com/stretchr/testify/require"
	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"sigs.k8s.io/yaml"

	"github.com/cxpulse/cxpulse/alerting"
	"github.com/cxpulse/cxpulse/store"
)

const k8sDir = "../../deploy/k8s"

// kustomization is the part of kustomize's Kustomization the manifests use; unknown keys fail.
type kustomization struct {
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
	Namespace  string `json:"namespace,omitempty"`
	Labels     []struct {
		Pairs            map[string]string `json:"pairs"`
		IncludeSelectors bool              `json:"includeSelectors"`
	} `json:"labels,omitempty"`
	Resources []string `json:"resources,omitempty"`
	Images    []struct {
		Name    string `json:"name"`
		NewName string `json:"newName,omitempty"`
		NewTag  string `json:"newTag,omitempty"`
	} `json:"images,omitempty"`
	Patches []struct {
		Path string `json:"path"`
	} `json:"patches,omitempty"`
	ConfigMapGenerator []generator `json:"configMapGenerator,omitempty"`
	SecretGenerator    []generator `json:"secretGenerator,omitempty"`
}

type generator struct {
	Name     string   `json:"name"`
	Behavior string   `json:"behavior,omitempty"`
	Files    []string `json:"files,omitempty"`
	Envs     []string `json:"envs,omitempty"`
}

// strictJSON decodes YAML into v through its JSON form, failing on unknown fields.
func strictJSON(t *testing.T, where string, doc []byte, v any) {
	t.Helper()
	js, err := yaml.YAMLToJSON(doc)
	require.NoError(t, err, where)
	dec := json.NewDecoder(bytes.NewReader(js))
	dec.DisallowUnknownFields()
	require.NoError(t, dec.Decode(v), where)
}

// objectFor returns an empty object of the Kubernetes API type of a manifest.
func objectFor(apiVersion, kind string) (any, bool) {
	switch apiVersion + "/" + kind {
	case "apps/v1/Deployment":
		return &appsv1.Deployment{}, true
	case "v1/Service":
		return &corev1.Service{}, true
	case "v1/ConfigMap":
		return &corev1.ConfigMap{}, true
	case "v1/Secret":
		return &corev1.Secret{}, true
	case "v1/ServiceAccount":
		return &corev1.ServiceAccount{}, true
	case "v1/Namespace":
		return &corev1.Namespace{}, true
	case "autoscaling/v2/HorizontalPodAutoscaler":
		return &autoscalingv2.HorizontalPodAutoscaler{}, true
	case "policy/v1/PodDisruptionBudget":
		return &policyv1.PodDisruptionBudget{}, true
	}
	return nil, false
}

// TestKubernetesManifests decodes every manifest of deploy/k8s strictly into the Kubernetes API
// types, and checks that the pieces fit: kustomize references, labels and selectors, ports,
// probes and limits, config and rules that cxpulse accepts, and the Secret's keys.
func TestKubernetesManifests(t *testing.T) {
	objs := map[string][]any{} // directory → decoded objects
	kusts := map[string]kustomization{}
	err := filepath.WalkDir(k8sDir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".yaml") {
			return err
		}
		data, err := os.ReadFile(path)
		require.NoError(t, err)
		dir := filepath.Dir(path)
		if filepath.Base(path) == "kustomization.yaml" {
			var k kustomization
			strictJSON(t, path, data, &k)
			require.Equal(t, "kustomize.config.k8s.io/v1beta1", k.APIVersion, path)
			require.Equal(t, "Kustomization", k.Kind, path)
			kusts[dir] = k
			return nil
		}
		if filepath.Base(dir) == "rules" {
			return nil // rule files of a configMapGenerator: checked below
		}
		for i, doc := range regexp.MustCompile(`(?m)^---\s*$`).Split(string(data), -1) {
			if strings.TrimSpace(doc) == "" {
				continue
			}
			where := fmt.Sprintf("%s#%d", path, i)
			var tm metav1.TypeMeta
			js, err := yaml.YAMLToJSON([]byte(doc))
			require.NoError(t, err, where)
			require.NoError(t, json.Unmarshal(js, &tm), where)
			obj, ok := objectFor(tm.APIVersion, tm.Kind)
			require.True(t, ok, "%s: unexpected %s %s", where, tm.APIVersion, tm.Kind)
			strictJSON(t, where, []byte(doc), obj)
			objs[dir] = append(objs[dir], obj)
		}
		return nil
	})
	require.NoError(t, err)

	base := filepath.Join(k8sDir, "base")
	overlay := filepath.Join(k8sDir, "overlays", "example")
	require.Contains(t, kusts, base)
	require.Contains(t, kusts, overlay)
	for dir, k := range kusts {
		for _, r := range k.Resources {
			_, err := os.Stat(filepath.Join(dir, r))
			require.NoError(t, err, "%s: resource %s", dir, r)
		}
		for _, p := range k.Patches {
			_, err := os.Stat(filepath.Join(dir, p.Path))
			require.NoError(t, err, "%s: patch %s", dir, p.Path)
		}
		for _, g := range k.ConfigMapGenerator {
			var files []string
			for _, f := range g.Files {
				files = append(files, filepath.Join(dir, f))
			}
			_, err := alerting.LoadFiles(files...)
			require.NoError(t, err, "%s: rule files of %s", dir, g.Name)
		}
	}
	// Every file of a directory is listed in its kustomization (as a resource or a patch).
	for dir, list := range objs {
		k := kusts[dir]
		listed := map[string]bool{}
		for _, r := range k.Resources {
			listed[r] = true
		}
		for _, p := range k.Patches {
			listed[p.Path] = true
		}
		entries, err := os.ReadDir(dir)
		require.NoError(t, err)
		for _, e := range entries {
			if strings.HasSuffix(e.Name(), ".yaml") && e.Name() != "kustomization.yaml" {
				require.True(t, listed[e.Name()], "%s/%s is not in its kustomization", dir, e.Name())
			}
		}
		require.NotEmpty(t, list)
	}

	var (
		deps = map[string]*appsv1.Deployment{}
		svcs = map[string]*corev1.Service{}
		hpa  *autoscalingv2.HorizontalPodAutoscaler
		pdb  *policyv1.PodDisruptionBudget
		cms  = map[string]*corev1.ConfigMap{}
		sa   *corev1.ServiceAccount
	)
	for _, o := range objs[base] {
		switch o := o.(type) {
		case *appsv1.Deployment:
			deps[o.Name] = o
		case *corev1.Service:
			svcs[o.Name] = o
		case *autoscalingv2.HorizontalPodAutoscaler:
			hpa = o
		case *policyv1.PodDisruptionBudget:
			pdb = o
		case *corev1.ConfigMap:
			cms[o.Name] = o
		case *corev1.ServiceAccount:
			sa = o
		}
	}
	// Two tiers: ingest pods that scale, and one ruler that runs the rules and the outreach.
	ingestDep, ruler := deps["cxpulse"], deps["cxpulse-ruler"]
	require.NotNil(t, ingestDep)
	require.NotNil(t, ruler)
	require.Len(t, deps, 2)
	require.NotNil(t, hpa)
	require.NotNil(t, pdb)
	require.NotNil(t, sa)
	podsOf := func(d *appsv1.Deployment) labels.Set {
		set := labels.Set(d.Spec.Template.Labels)
		sel, err := metav1.LabelSelectorAsSelector(d.Spec.Selector)
		require.NoError(t, err)
		require.True(t, sel.Matches(set), "%s: selector does not match its pods", d.Name)
		return set
	}
	ingestPods, rulerPods := podsOf(ingestDep), podsOf(ruler)
	for svc, d := range map[string]*appsv1.Deployment{"cxpulse": ingestDep, "cxpulse-ruler": ruler} {
		require.Contains(t, svcs, svc)
		sel := labels.SelectorFromSet(svcs[svc].Spec.Selector)
		require.True(t, sel.Matches(podsOf(d)), "service %s selects no pod of %s", svc, d.Name)
	}
	require.False(t, labels.SelectorFromSet(svcs["cxpulse"].Spec.Selector).Matches(rulerPods), "ingest traffic must not reach the ruler")
	require.False(t, labels.SelectorFromSet(svcs["cxpulse-ruler"].Spec.Selector).Matches(ingestPods))
	pdbSel, err := metav1.LabelSelectorAsSelector(pdb.Spec.Selector)
	require.NoError(t, err)
	require.True(t, pdbSel.Matches(ingestPods), "disruption budget selects no ingest pod")
	require.False(t, pdbSel.Matches(rulerPods), "the ruler is one pod: no disruption budget")
	require.Equal(t, "Deployment", hpa.Spec.ScaleTargetRef.Kind)
	require.Equal(t, ingestDep.Name, hpa.Spec.ScaleTargetRef.Name)
	require.EqualValues(t, 1, *ruler.Spec.Replicas, "rules run on exactly one pod")
	require.Equal(t, appsv1.RecreateDeploymentStrategyType, ruler.Spec.Strategy.Type, "never two rulers at once")

	// The Secret's keys, from the example of the file the overlay generates it from.
	example, err := os.ReadFile(filepath.Join(overlay, "secrets.env.example"))
	require.NoError(t, err)
	keys := map[string]bool{}
	for _, line := range strings.Split(string(example), "\n") {
		if k, _, ok := strings.Cut(line, "="); ok && !strings.HasPrefix(line, "#") {
			keys[k] = true
		}
	}
	require.Equal(t, "cxpulse-secrets", kusts[overlay].SecretGenerator[0].Name)

	dir := t.TempDir()
	cfgFile := filepath.Join(dir, "cxpulse.yaml")
	require.NoError(t, os.WriteFile(cfgFile, []byte(cms["cxpulse-config"].Data["cxpulse.yaml"]), 0o644))
	var ruleFiles []string
	for name, text := range cms["cxpulse-rules"].Data {
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, []byte(text), 0o644))
		ruleFiles = append(ruleFiles, p)
	}
	_, err = alerting.LoadFiles(ruleFiles...)
	require.NoError(t, err, "rules of the base ConfigMap")

	for _, dep := range []*appsv1.Deployment{ingestDep, ruler} {
		require.Equal(t, sa.Name, dep.Spec.Template.Spec.ServiceAccountName, dep.Name)
		require.Len(t, dep.Spec.Template.Spec.Containers, 1, dep.Name)
		c := dep.Spec.Template.Spec.Containers[0]
		ports := map[string]int32{}
		for _, p := range c.Ports {
			ports[p.Name] = p.ContainerPort
		}
		for _, svc := range svcs {
			for _, p := range svc.Spec.Ports {
				require.Contains(t, ports, p.TargetPort.String(), "service %s port %s targets no container port of %s", svc.Name, p.Name, dep.Name)
			}
		}
		for name, p := range map[string]*corev1.Probe{"startup": c.StartupProbe, "liveness": c.LivenessProbe, "readiness": c.ReadinessProbe} {
			require.NotNil(t, p, "%s: %s probe", dep.Name, name)
			require.NotNil(t, p.HTTPGet, "%s: %s probe", dep.Name, name)
			require.Contains(t, ports, p.HTTPGet.Port.String(), "%s: %s probe port", dep.Name, name)
		}
		require.Equal(t, "/healthz", c.LivenessProbe.HTTPGet.Path)
		require.Equal(t, "/readyz", c.ReadinessProbe.HTTPGet.Path)
		for _, r := range []corev1.ResourceName{corev1.ResourceCPU, corev1.ResourceMemory} {
			req, lim := c.Resources.Requests[r], c.Resources.Limits[r]
			require.False(t, req.IsZero(), "%s: request %s", dep.Name, r)
			require.False(t, lim.IsZero(), "%s: limit %s", dep.Name, r)
			require.LessOrEqual(t, req.Cmp(lim), 0, "%s: request %s above its limit", dep.Name, r)
		}
		require.Greater(t, *dep.Spec.Template.Spec.TerminationGracePeriodSeconds, int64(30), "%s: grace period must exceed the 30 s drain", dep.Name)

		// Volumes name the ConfigMaps of the base; the config, with the pod's flags, is one
		// cxpulse accepts.
		for _, v := range dep.Spec.Template.Spec.Volumes {
			if v.ConfigMap != nil {
				require.Contains(t, cms, v.ConfigMap.Name, "%s: volume %s", dep.Name, v.Name)
			}
		}
		require.Equal(t, "serve", c.Args[0], dep.Name)
		var f serveFlags
		cmd := &cobra.Command{}
		f.bind(cmd.Flags())
		args := append([]string(nil), c.Args[1:]...)
		for i, a := range args {
			if a == "--config" && i+1 < len(args) {
				require.Equal(t, "/etc/cxpulse/cxpulse.yaml", args[i+1], dep.Name)
				args[i+1] = cfgFile
			}
		}
		require.NoError(t, cmd.ParseFlags(args), dep.Name)
		cfg, err := f.load(cmd)
		require.NoError(t, err, dep.Name)
		mounts := map[string]string{}
		for _, m := range c.VolumeMounts {
			mounts[m.MountPath] = m.Name
		}
		require.Contains(t, mounts, cfg.Spool.Dir, "%s: spool.dir is not a mounted volume", dep.Name)
		require.True(t, strings.HasSuffix(cfg.Server.Listen, fmt.Sprint(":", ports["http"])), "listen %s is not the http port", cfg.Server.Listen)
		secretsUsed := cms["cxpulse-config"].Data["cxpulse.yaml"]
		if dep == ruler {
			require.NotNil(t, cfg.Alerting, "the ruler runs no rules")
			for _, f := range cfg.Alerting.RuleFiles {
				require.Equal(t, "rules", mounts[filepath.Dir(f)], "rule files %s are not in the rules volume", f)
			}
			secretsUsed += cms["cxpulse-rules"].Data["cx.yaml"]
		} else {
			require.Nil(t, cfg.Alerting, "the ingest pods must not run the rules: every replica would notify")
		}

		// Every secret the pod reads is a key of the Secret, and every ${ENV} it needs is set.
		env := map[string]bool{}
		for _, e := range c.Env {
			env[e.Name] = true
			if e.ValueFrom != nil && e.ValueFrom.SecretKeyRef != nil {
				require.Equal(t, "cxpulse-secrets", e.ValueFrom.SecretKeyRef.Name, e.Name)
				require.True(t, keys[e.ValueFrom.SecretKeyRef.Key], "%s: key %s is not in secrets.env.example", e.Name, e.ValueFrom.SecretKeyRef.Key)
			}
		}
		for _, m := range regexp.MustCompile(`\$\{(\w+)\}`).FindAllStringSubmatch(secretsUsed, -1) {
			require.True(t, env[m[1]], "%s: ${%s} is not set in the pod's environment", dep.Name, m[1])
		}
	}
}

// TestSystemdUnit checks the unit runs serve with a config cxpulse accepts the shape of, stops
// within the drain time, keeps its spool in its state directory, and passes systemd-analyze
// verify where systemd is installed.
func TestSystemdUnit(t *testing.T) {
	data, err := os.ReadFile("../../deploy/systemd/cxpulse.service")
	require.NoError(t, err)
	keys := map[string]string{}
	section := ""
	for _, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSpace(line)
		switch {
		case line == "" || strings.HasPrefix(line, "#"):
		case strings.HasPrefix(line, "["):
			section = strings.Trim(line, "[]")
		default:
			k, v, ok := strings.Cut(line, "=")
			require.True(t, ok, "line %q", line)
			keys[section+"."+k] = v
		}
	}
	require.Equal(t, "/usr/local/bin/cxpulse serve --config /etc/cxpulse/cxpulse.yaml", keys["Service.ExecStart"])
	require.Equal(t, "/etc/cxpulse/cxpulse.env", keys["Service.EnvironmentFile"])
	stop, err := time.ParseDuration(keys["Service.TimeoutStopSec"] + "s")
	require.NoError(t, err)
	require.Greater(t, stop, defaultConfig().Server.ShutdownTimeout, "systemd must wait longer than the drain")
	require.Equal(t, "cxpulse", keys["Service.StateDirectory"])
	example, err := loadConfig("../../deploy/cxpulse.example.yaml")
	require.NoError(t, err)
	require.True(t, strings.HasPrefix(example.Spool.Dir, "/var/lib/cxpulse/"), "the example spool.dir %s is outside the state directory", example.Spool.Dir)
	require.Equal(t, "multi-user.target", keys["Install.WantedBy"])

	analyze, err := exec.LookPath("systemd-analyze")
	if err != nil {
		t.Log("systemd-analyze not installed: unit syntax not verified")
		return
	}
	// The binary is not installed here: verify a copy that runs /bin/true instead.
	unit := filepath.Join(t.TempDir(), "cxpulse.service")
	require.NoError(t, os.WriteFile(unit, []byte(strings.ReplaceAll(string(data), "/usr/local/bin/cxpulse", "/bin/true")), 0o644))
	out, err := exec.Command(analyze, "verify", unit).CombinedOutput()
	require.NoError(t, err, "%s", out)
	require.Empty(t, strings.TrimSpace(string(out)))
}

// TestClickHouseClusterConfig checks the example cluster configuration against what the cluster
// schema assumes: the macros of the Replicated tables' paths, internal replication on every shard
// (else a Distributed insert writes every replica and rows double), synchronous Distributed
// inserts for the writer (acknowledged means stored), and a cluster the migration can name.
func TestClickHouseClusterConfig(t *testing.T) {
	type replica struct {
		Host string `xml:"host"`
		Port int    `xml:"port"`
	}
	var cluster struct {
		RemoteServers struct {
			Clusters []struct {
				XMLName xml.Name
				Shards  []struct {
					InternalReplication bool      `xml:"internal_replication"`
					Replicas            []replica `xml:"replica"`
				} `xml:"shard"`
			} `xml:",any"`
		} `xml:"remote_servers"`
		ZooKeeper struct {
			Nodes []replica `xml:"node"`
		} `xml:"zookeeper"`
		DistributedDDL struct {
			Path string `xml:"path"`
		} `xml:"distributed_ddl"`
	}
	var macros struct {
		Macros struct {
			Shard   string `xml:"shard"`
			Replica string `xml:"replica"`
		} `xml:"macros"`
	}
	var users struct {
		Profiles struct {
			Cxpulse struct {
				InsertDistributedSync int `xml:"insert_distributed_sync"`
			} `xml:"cxpulse"`
			Grafana struct {
				Readonly int `xml:"readonly"`
			} `xml:"grafana"`
		} `xml:"profiles"`
	}
	for file, v := range map[string]any{
		"config.d/cxpulse-cluster.xml": &cluster, "config.d/macros.xml": &macros, "users.d/cxpulse.xml": &users,
	} {
		data, err := os.ReadFile(filepath.Join("../../deploy/clickhouse", file))
		require.NoError(t, err)
		require.NoError(t, xml.Unmarshal(data, v), file)
	}
	require.Len(t, cluster.RemoteServers.Clusters, 1)
	c := cluster.RemoteServers.Clusters[0]
	name := c.XMLName.Local
	cfg := store.DefaultConfig()
	cfg.Cluster = name
	require.NoError(t, cfg.Validate(), "cluster name %q", name)
	require.NotEmpty(t, c.Shards)
	hosts := map[string]bool{}
	for i, s := range c.Shards {
		require.True(t, s.InternalReplication, "shard %d: internal_replication must be true with Replicated tables", i+1)
		require.NotEmpty(t, s.Replicas)
		for _, r := range s.Replicas {
			require.False(t, hosts[r.Host], "host %s in two places", r.Host)
			hosts[r.Host] = true
			require.Positive(t, r.Port)
		}
	}
	require.NotEmpty(t, cluster.ZooKeeper.Nodes, "replication and ON CLUSTER need ZooKeeper")
	require.NotEmpty(t, cluster.DistributedDDL.Path)
	require.NotEmpty(t, macros.Macros.Shard)
	require.True(t, hosts[macros.Macros.Replica], "the example macros name a replica of the cluster")
	d := store.Dialect{Caps: store.Modern(), Database: "cxpulse", Cluster: name}
	ddl := strings.Join(d.CreateTable(store.Migrations()[0].Tables[0]), "\n")
	require.Contains(t, ddl, "{shard}")
	require.Contains(t, ddl, "{replica}")
	require.Equal(t, 1, users.Profiles.Cxpulse.InsertDistributedSync)
	require.Equal(t, 2, users.Profiles.Grafana.Readonly)
}

package dev.moat.decoy;

import java.util.List;

/** The unauthorised-access decoys: Redis, Docker Engine API, kubelet, Elasticsearch, etcd. */
final class UnauthorisedAccessDecoys {

  private UnauthorisedAccessDecoys() {}

  static List<Object> all() {
    return List.of(new RedisDecoy(), new DockerApiDecoy(), new KubeletDecoy(), new ElasticsearchDecoy(),
        new EtcdDecoy());
  }
}

#!/bin/sh
# The script an operator writes today to move WSO2 API Manager 2.6.0 homes by
# a port offset, with xmlstarlet for the XML settings and sed for the URLs:
# the same edits `portshift diff --offset N` shows for the shipped home (the
# <Offset>, Tomcat's redirectPort, and the literal local URLs in jndi.properties,
# email-admin-config.xml, authenticators.xml, WorkflowCallbackService.xml and
# dispatchSeq.xml), found by reading the files beforehand, as an operator does.
# It knows nothing but the shipped defaults: every port it writes is default +
# N, so it is right only for a home still at offset 0. bench/host.sh times it.
#
# usage: bench/operator.sh N HOME...      (edits the homes in place)
set -eu
n=$1
shift
port() { echo $(($1 + n)); }
for home in "$@"; do
  conf=$home/repository/conf
  synapse=$home/repository/deployment/server/synapse-configs/default
  xmlstarlet ed -L -N c=http://wso2.org/projects/carbon/carbon.xml \
    -u /c:Server/c:Ports/c:Offset -v "$n" "$conf/carbon.xml"
  xmlstarlet ed -L -u /Server/Service/Connector/@redirectPort -v "$(port 9443)" \
    "$conf/tomcat/catalina-server.xml"
  sed -i "s#tcp://localhost:5672'#tcp://localhost:$(port 5672)'#" "$conf/jndi.properties"
  sed -i "s#https://localhost:9443/#https://localhost:$(port 9443)/#g" \
    "$conf/email/email-admin-config.xml" "$conf/security/authenticators.xml" \
    "$synapse/proxy-services/WorkflowCallbackService.xml"
  sed -i -e "s#https://localhost:8243/#https://localhost:$(port 8243)/#g" \
    -e "s#http://localhost:8280/#http://localhost:$(port 8280)/#g" \
    "$synapse/proxy-services/WorkflowCallbackService.xml"
  sed -i "s#ws://localhost:9763/#ws://localhost:$(port 9763)/#" "$synapse/sequences/dispatchSeq.xml"
done

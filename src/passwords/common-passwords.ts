// The most common passwords from public breach corpora (the head of the lists Django's
// CommonPasswordValidator and NIST 800-63B §5.1.1.2 point to), lower-cased. Kept short on
// purpose: the bundle ships to every location, and throttling covers the long tail.
export const COMMON_PASSWORDS: ReadonlySet<string> = new Set(
  `password password1 password12 password123 password1234 passw0rd p@ssw0rd p@ssword qwerty qwerty123
qwertyuiop qwerty1 1q2w3e4r 1q2w3e4r5t 1qaz2wsx zaq12wsx abc12345 abcd1234 abcdefgh iloveyou
iloveyou1 sunshine princess football baseball basketball dragon monkey letmein letmein1 trustno1
welcome welcome1 welcome123 admin123 administrator changeme changeme123 secret123 superman batman
starwars master master123 shadow michael jennifer jordan23 hunter2 freedom whatever mustang
charlie computer internet samsung liverpool chelsea arsenal pokemon naruto killer soccer hockey
ranger buster thomas tigger robert daniel jessica ashley hannah summer flower cookie maggie
asdfghjk asdfasdf asdf1234 zxcvbnm zxcvbnm1 q1w2e3r4 qazwsx123 aa123456 a1b2c3d4 11111111
access14 baseball1 football1 michelle nicole12 lovely12 sunshine1 princess1 charlie1 loveme12
myspace1 blink182 fuckyou1 666666666 987654321 00000000 11223344 12344321 87654321 55555555
66666666 88888888 99999999 12341234 123123123 11112222 secret12 testtest test1234 test12345
guest123 root1234 default1 letmein12 google123 apple123 matrix123 computer1 mynoob12 zaq1zaq1`
    .split(/\s+/)
    .filter(Boolean),
);

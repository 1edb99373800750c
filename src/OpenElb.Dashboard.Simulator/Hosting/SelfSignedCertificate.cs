using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace OpenElb.Dashboard.Simulator.Hosting;

/// <summary>
/// The serving certificate of one simulator run: self-signed, for 127.0.0.1 and localhost, valid for a week.
/// </summary>
/// <remarks>
/// The simulator serves HTTPS only because kubectl (client-go's clientcmd) drops every credential, the bearer token
/// included, for an <c>http://</c> server; the kubeconfig carries this certificate as its CA.
/// </remarks>
internal static class SelfSignedCertificate
{
    public static X509Certificate2 Create()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=openelb-simulator", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        names.AddDnsName("localhost");
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyCertSign, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        var now = DateTimeOffset.UtcNow;
        return request.CreateSelfSigned(now.AddMinutes(-5), now.AddDays(7));
    }

    /// <summary>The certificate as base64 PEM, the form of a kubeconfig's <c>certificate-authority-data</c>.</summary>
    public static string ToBase64Pem(X509Certificate2 certificate) =>
        Convert.ToBase64String(System.Text.Encoding.ASCII.GetBytes(certificate.ExportCertificatePem()));
}

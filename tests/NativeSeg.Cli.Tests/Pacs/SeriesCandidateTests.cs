using System.Text.Json;
using NativeSeg.Cli.Pacs;

namespace NativeSeg.Cli.Tests.Pacs;

/// <summary>
/// Entries of Orthanc's /tools/find answer: a real one is read; ids that are not Orthanc's, which would end up in URLs
/// and download file names ("../"), and malformed entries are refused.
/// </summary>
public sealed class SeriesCandidateTests
{
    private const string Series = "31435ed3-015c2f05-f9c6b78b-ba32b1cc-ec68cf3f";
    private const string Study = "0a7612bd-eb0ab84a-60bb17d5-f8be2a0d-cfbc463a";
    private const string Instance = "2ab97105-b344daf7-6e350003-35d549cf-75d43e2a";

    [Test]
    public void OrthancsEntry_IsRead()
    {
        var candidate = SeriesCandidate.From(Entry(Series, Study, Instance))!;
        Assert.That(candidate, Is.Not.Null);
        Assert.That((candidate.Id, candidate.StudyId, candidate.SeriesInstanceUid, candidate.IsStable, candidate.LastUpdate),
            Is.EqualTo((Series, Study, "1.2.3", true, "20261204T071625")));
        Assert.That(candidate.Instances, Is.EqualTo(new[] { Instance }));
    }

    [TestCase("../../etc", Study, Instance)]
    [TestCase(Series, "a/b", Instance)]
    [TestCase(Series, Study, "../../../tmp/x")]
    [TestCase(Series, Study, "2AB97105-B344DAF7-6E350003-35D549CF-75D43E2A")]
    [TestCase("", Study, Instance)]
    public void ForeignIds_AreRefused(string series, string study, string instance) =>
        Assert.That(SeriesCandidate.From(Entry(series, study, instance)), Is.Null);

    [TestCase("[]")]
    [TestCase("\"series\"")]
    [TestCase("{\"ID\":1}")]
    [TestCase("{\"ID\":\"" + Series + "\",\"ParentStudy\":\"" + Study + "\",\"Instances\":\"x\"}")]
    [TestCase("{\"ID\":\"" + Series + "\",\"ParentStudy\":\"" + Study + "\",\"Instances\":[1]}")]
    public void MalformedEntries_AreRefused(string json) => Assert.That(SeriesCandidate.From(JsonDocument.Parse(json).RootElement), Is.Null);

    private static JsonElement Entry(string series, string study, string instance) => JsonSerializer.SerializeToElement(new Dictionary<string, object>
    {
        ["ID"] = series, ["ParentStudy"] = study, ["Instances"] = new[] { instance }, ["IsStable"] = true, ["LastUpdate"] = "20261204T071625",
        ["MainDicomTags"] = new Dictionary<string, string> { ["Modality"] = "CT", ["SeriesInstanceUID"] = "1.2.3" },
    });
}

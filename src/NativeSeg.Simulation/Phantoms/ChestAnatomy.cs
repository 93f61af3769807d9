using NativeSeg.Simulation.Randomness;

namespace NativeSeg.Simulation.Phantoms;

/// <summary>
/// The analytic anatomy of the phantom, in patient millimetres from the image centre: L towards the patient's left,
/// P towards the back, S towards the head. Cross-sections are ellipses; the seed scales the body by ±8 % and the
/// fat layer between 10 and 20 mm. <see cref="Classify"/> answers which tissue lies at a point, before vessels.
/// </summary>
internal sealed class ChestAnatomy
{
    private readonly double _bodyA, _bodyB, _fat, _muscle = 12, _ribBand = 9;
    private const double PleuralGap = 2, MedialLimit = 20, OrganMargin = 4;

    public ChestAnatomy(ulong seed)
    {
        double Vary(long which, double low, double high) =>
            low + (high - low) * StatelessRandom.Uniform(StatelessRandom.Hash(seed, 100, which));
        _bodyA = 165 * Vary(0, 0.92, 1.08);
        _bodyB = 118 * Vary(1, 0.92, 1.08);
        _fat = Vary(2, 10, 20);
        CavityB = _bodyB - _fat - _muscle - _ribBand;
        CavityA = _bodyA - _fat - _muscle - _ribBand;
        var carina = (0.0, -5.0, 30.0);
        Trachea = new Capsule(carina, (0, -5, 400), 9);
        RightBronchus = new Capsule(carina, (-52, 2, 2), 6.5);
        LeftBronchus = new Capsule(carina, (58, 4, 12), 5.5);
        double spineP = CavityB - 28;
        VertebraCentre = (0, spineP);
        DescendingAorta = new Capsule((24, CavityB - 52, -140), (24, CavityB - 52, 65), 12);
        AorticArch = new Capsule((5, -25, 65), (24, CavityB - 52, 65), 12);
        AscendingAorta = new Capsule((5, -25, -20), (5, -25, 65), 15);
        Oesophagus = new Capsule((-6, CavityB - 62, -140), (-6, CavityB - 62, 400), 7);
    }

    public double CavityA { get; }
    public double CavityB { get; }
    public const double AirwayWall = 2;
    public Capsule Trachea { get; }
    public Capsule RightBronchus { get; }
    public Capsule LeftBronchus { get; }
    private Capsule DescendingAorta { get; }
    private Capsule AorticArch { get; }
    private Capsule AscendingAorta { get; }
    private Capsule Oesophagus { get; }
    private (double L, double P) VertebraCentre { get; }

    /// <summary>Hilum points and initial directions of the pulmonary vessel trees, six per lung.</summary>
    public IEnumerable<((double L, double P, double S) Start, (double L, double P, double S) Direction)> VesselRoots()
    {
        foreach (int side in new[] { -1, 1 })
        {
            yield return ((side * 42, 2, 18), (side * 0.4, -0.5, 1));
            yield return ((side * 42, 10, 18), (side * 0.4, 0.6, 1));
            yield return ((side * 44, 4, -5), (side * 1, -0.6, 0.1));
            yield return ((side * 44, 10, -10), (side * 0.7, 0.8, -0.2));
            yield return ((side * 40, 4, -30), (side * 0.5, -0.5, -1));
            yield return ((side * 40, 12, -30), (side * 0.4, 0.6, -1));
        }
    }

    /// <summary>The chest narrows upwards: full width below S = −40 mm, 82 % at S = 120 mm.</summary>
    private static double Narrowing(double s) => 1 - 0.18 * Math.Clamp((s + 40) / 160, 0, 1);

    /// <summary>Body and cavity shrink above S = 105 mm towards the neck.</summary>
    private static double NeckTaper(double s) => SmoothStep(Math.Clamp((s - 105) / 45, 0, 1));

    /// <summary>Height (S, mm) of the diaphragm at (L, P): two domes, the right one higher, lowest at the recesses.</summary>
    private static double Diaphragm(double l, double p)
    {
        double height = l < 0 ? 62 : 50;
        double u = (Math.Abs(l) - 65) / 85, v = (p + 5) / 95;
        return -135 + height * Math.Max(0, 1 - u * u - v * v);
    }

    private static bool InEllipsoid(double l, double p, double s, (double L, double P, double S) c, (double L, double P, double S) r, double grow)
    {
        double u = (l - c.L) / (r.L + grow), v = (p - c.P) / (r.P + grow), w = (s - c.S) / (r.S + grow);
        return u * u + v * v + w * w <= 1;
    }

    private static readonly (double, double, double) HeartCentre = (18, -30, -50), HeartRadii = (62, 52, 55);

    /// <summary>Within <paramref name="grow"/> mm of a solid mediastinal organ (heart, aorta, oesophagus)?</summary>
    private bool InOrgan(double l, double p, double s, double grow) =>
        InEllipsoid(l, p, s, HeartCentre, HeartRadii, grow)
        || DescendingAorta.DistanceToAxis(l, p, s) <= DescendingAorta.Radius + grow
        || AorticArch.DistanceToAxis(l, p, s) <= AorticArch.Radius + grow
        || AscendingAorta.DistanceToAxis(l, p, s) <= AscendingAorta.Radius + grow
        || Oesophagus.DistanceToAxis(l, p, s) <= Oesophagus.Radius + grow;

    public Tissue Classify(double l, double p, double s)
    {
        double taper = NeckTaper(s);
        double bodyA = _bodyA * Narrowing(s) * (1 - 0.55 * taper), bodyB = _bodyB * (1 - 0.4 * taper);
        if (Sq(l / bodyA) + Sq(p / bodyB) > 1) return Tissue.Air;
        if (Sq(l / (bodyA - _fat)) + Sq(p / (bodyB - _fat)) > 1) return Tissue.SubcutaneousFat;

        double cavityA = CavityA * Narrowing(s) * (1 - 0.55 * taper), cavityB = CavityB * (1 - 0.4 * taper);
        double cavityRadius = Math.Sqrt(Sq(l / cavityA) + Sq(p / cavityB));

        // Spine: vertebral body in the cavity's back, canal and posterior elements in the back muscles.
        double dv = Math.Sqrt(Sq(l - VertebraCentre.L) + Sq(p - VertebraCentre.P));
        if (dv <= 19) return IsDisc(s) ? Tissue.SoftTissue : Tissue.Bone;
        double canalP = VertebraCentre.P + 30, dc = Math.Sqrt(Sq(l) + Sq(p - canalP));
        if (dc <= 8) return Tissue.SoftTissue;
        if (dc <= 15 || (Math.Abs(l) <= 5 && p > canalP && p < canalP + 30)) return Tissue.Bone;

        if (cavityRadius > 1)
        {
            double bandOuter = 1 + _ribBand / Math.Min(cavityA, cavityB);
            if (cavityRadius > bandOuter) return Tissue.Muscle;
            return IsRibOrSternum(l, p, s, cavityB) ? Tissue.Bone : Tissue.Muscle;
        }

        // Inside the thoracic cavity.
        double trachea = Trachea.DistanceToAxis(l, p, s);
        double airway = Math.Min(trachea, Math.Min(RightBronchus.DistanceToAxis(l, p, s), LeftBronchus.DistanceToAxis(l, p, s)));
        double lumen = trachea == airway ? Trachea.Radius : (l < 0 ? RightBronchus.Radius : LeftBronchus.Radius);
        if (airway <= lumen) return Tissue.AirwayLumen;
        if (airway <= lumen + AirwayWall) return Tissue.AirwayWall;
        if (s < Diaphragm(l, p)) return Tissue.Abdomen;
        if (InOrgan(l, p, s, 0)) return Tissue.SoftTissue;
        if (IsLung(l, p, s, cavityA, cavityB, dv)) return Tissue.Lung;
        return Tissue.MediastinalFat;
    }

    /// <summary>Density (HU) before texture, blur and noise: the nominal value, with a lung that is denser at the back
    /// (gravity-dependent perfusion, −870 front to −800 back) and vertebral bodies cancellous inside a cortical rim.</summary>
    public double Density(Tissue tissue, double l, double p)
    {
        switch (tissue)
        {
            case Tissue.Lung:
                return -870 + 70 * Math.Clamp((p + CavityB) / (2 * CavityB), 0, 1);
            case Tissue.Bone:
                double dv = Math.Sqrt(Sq(l - VertebraCentre.L) + Sq(p - VertebraCentre.P));
                return dv <= 16.5 ? 280 : 650;
            default:
                return tissue.NominalHu();
        }
    }

    private bool IsLung(double l, double p, double s, double cavityA, double cavityB, double vertebraDistance)
    {
        if (Math.Abs(l) <= MedialLimit) return false;
        if (Sq(l / (cavityA - PleuralGap)) + Sq(p / (cavityB - PleuralGap)) > 1) return false;
        if (vertebraDistance <= 19 + 16) return false; // paravertebral tissue
        if (s > 85)
        {
            // Apex: the cross-section shrinks to a point at S = 128 mm.
            double r = Math.Sqrt(Math.Max(0, (128 - s) / 43));
            if (r == 0 || Sq((Math.Abs(l) - 62) / (62 * r)) + Sq((p - 5) / (85 * r)) > 1) return false;
        }
        if (s < Diaphragm(l, p) + PleuralGap) return false;
        return !InOrgan(l, p, s, OrganMargin);
    }

    private static bool IsDisc(double s) => Frac((s + 7) / 28) < 0.2;

    /// <summary>
    /// Ribs run obliquely, lower at the front: at height S, the band holds bone where the rib phase
    /// (S + 60 mm × anteriority) / 26 mm falls in the first 38 % of its period. The sternum closes the front midline.
    /// </summary>
    private static bool IsRibOrSternum(double l, double p, double s, double cavityB)
    {
        if (s < -140 || s > 115) return false;
        if (p < 0 && Math.Abs(l) < 18) return s > -90 && s < 95; // sternum
        if (p < 0 && Math.Abs(l) < 28) return false; // costal cartilage gap
        double anteriority = Math.Clamp((cavityB - p) / (2 * cavityB), 0, 1);
        return Frac((s + 60 * anteriority) / 26) < 0.38;
    }

    private static double Frac(double x) => x - Math.Floor(x);
    private static double Sq(double x) => x * x;
    private static double SmoothStep(double t) => t * t * (3 - 2 * t);
}

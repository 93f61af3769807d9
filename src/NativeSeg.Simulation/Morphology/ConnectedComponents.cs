namespace NativeSeg.Simulation.Morphology;

/// <summary>6-connected components of the voxels a predicate selects, by breadth-first flood fill.</summary>
internal static class ConnectedComponents
{
    /// <summary>Component number per voxel (−1 where not selected), numbered in scan order from 0, and sizes.</summary>
    public static (int[] Labels, List<int> Sizes) Label(int nx, int ny, int nz, Func<int, bool> selected)
    {
        int sliceLength = nx * ny, count = sliceLength * nz;
        var labels = new int[count];
        Array.Fill(labels, -1);
        var sizes = new List<int>();
        var queue = new Queue<int>();
        for (int start = 0; start < count; start++)
        {
            if (labels[start] >= 0 || !selected(start)) continue;
            int component = sizes.Count, size = 0;
            labels[start] = component;
            queue.Enqueue(start);
            while (queue.Count > 0)
            {
                int v = queue.Dequeue();
                size++;
                int x = v % nx, y = v / nx % ny, z = v / sliceLength;
                if (x > 0) Visit(v - 1);
                if (x < nx - 1) Visit(v + 1);
                if (y > 0) Visit(v - nx);
                if (y < ny - 1) Visit(v + nx);
                if (z > 0) Visit(v - sliceLength);
                if (z < nz - 1) Visit(v + sliceLength);
            }
            sizes.Add(size);

            void Visit(int w)
            {
                if (labels[w] >= 0 || !selected(w)) return;
                labels[w] = component;
                queue.Enqueue(w);
            }
        }
        return (labels, sizes);
    }
}
